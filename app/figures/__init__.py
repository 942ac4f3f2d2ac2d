"""Figure builders: DataFrame -> go.Figure. Never import dash."""
