"""State registries (МВД passport, СФР SNILS, ФНС INN) used to check a person's data."""
