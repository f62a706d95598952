"""The reports service: the program office's figures of a round and a year, and their exports."""
