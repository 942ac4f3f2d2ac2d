"""Pure serialisers of a filtered view. Never import dash."""
