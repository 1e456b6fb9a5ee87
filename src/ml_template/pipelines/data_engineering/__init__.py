"""Raw sources -> clean intermediate tables -> primary table -> features -> splits."""
