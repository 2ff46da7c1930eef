"""End-to-end jobs built on the layers and models; the command line calls these."""
