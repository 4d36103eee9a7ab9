"""onetrip: the Lambda code. Every function imports this package before anything logs."""

from onetrip.log_hygiene import withhold_library_data

withhold_library_data()
