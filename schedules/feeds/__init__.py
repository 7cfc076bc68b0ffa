"""Calendar feeds: meetings read from iCalendar feeds; boards' calendars written as feeds."""
