"""The import template's header row as the spec gives it (I1, I2): written out here, not read
from the code, so a test compares the template against the spec."""

TEMPLATE_HEADERS = [
    "Email",
    "Name",
    "Phone",
    "Address",
    "City",
    "State",
    "Postal Code",
    "Birthday",
    "Transaction Anniversary",
    "Type",
    "Agent ID",
    "Pipeline Stage",
    "Tags",
    "Texting",
    "Market ID",
    "Campaign ID",
    "Notes",
]
