"""Accredited certification centres (удостоверяющие центры): certificates and CRLs."""
