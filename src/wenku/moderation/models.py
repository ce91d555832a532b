"""Moderation keeps no data of its own: site settings, sensitive words and the audit log are
`wenku.site`'s, bans `wenku.accounts`'."""
