"""The auditor's tool: replay the event history and reproduce every funding decision."""
