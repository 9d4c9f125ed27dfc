"""Models arrive with the MASH enquiry and early help work (issues 4 and 5)."""
