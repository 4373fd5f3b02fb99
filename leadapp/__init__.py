"""leadapp: an open-source lead-management CRM for real-estate brokerages."""
