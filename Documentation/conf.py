# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration for message_slot's Documentation/ (make docs).
project = "message_slot"
author = "message_slot developers"
copyright = "2026, message_slot developers"
master_doc = "index"
exclude_patterns = ["man", "ABI"]
html_theme = "alabaster"
highlight_language = "none"
