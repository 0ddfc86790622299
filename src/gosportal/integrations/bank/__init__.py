"""Partner banks (REG-3): OpenID Connect sign-in and card checks; the sandbox banks."""
