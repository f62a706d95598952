"""A stand-in for the district finance bureau's payment system (docs/finance-contract.md):
a separate HTTP service that keeps the contract exactly and behaves as the real one does.
`bureau` is its logic (pure), `callbacks` sends its signed outcomes, `http` its routes."""
