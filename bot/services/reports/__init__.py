"""Reports built from the database: spreadsheets and documents, as bytes."""
