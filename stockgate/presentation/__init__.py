"""Presentation: what people look at (charts for the briefing cards). Renders files; never decides anything."""
