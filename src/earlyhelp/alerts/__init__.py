"""The monthly run: scores become alerts for the team that can help; the backtest measures
whether such alerts would have found what they were meant to find."""
