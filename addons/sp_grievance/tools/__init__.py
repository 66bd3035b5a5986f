from .public_holidays import holiday_days, holiday_bounds
