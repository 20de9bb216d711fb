"""Safe copies: pseudonyms, masking, generalisation, suppression and k-anonymity."""
