"""The office's report: what each event changes in the reporting facts (changes.py), the
facts applied in memory (facts.py), and the figures computed from them (figures.py).
Pure: the reports service stores the facts in PostgreSQL, the auditor folds the log into
them in memory, and both compute the same figures with the same functions."""
