"""The rules of paying and recovering an award: pure, no I/O (docs/finance-contract.md)."""
