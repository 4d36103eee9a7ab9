"""Test drivers shared by the integration, e2e and bench suites (desks, wallets, storms)."""
