"""What the kit makes from the book besides its web pages: other editions and handouts (such as the printable case packs)."""
