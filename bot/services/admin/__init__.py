"""What admins set up: districts and schools, officials, chats, settings, backups."""
