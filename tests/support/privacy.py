"""A requester's private details, distinctive enough that any leak of them is found by search."""

SECRETS = {
    "first_name": "Zebediah",
    "last_name": "Quackenbush",
    "email": "zebediah.private@example.org",
    "phone": "773-555-0142",
    "device_id": "DEVICE-9f8e7d6c",
    "account_id": "ACCOUNT-1a2b3c",
}
