"""Personal data (152-ФЗ): forgetting a person."""
