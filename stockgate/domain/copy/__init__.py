"""Marketing copy: candidates from the numbers, drafts per channel in the brand's voice, and the checks on them.

candidates.pick_candidates  -> Candidate (kind + facts)
generator.draft_copy        -> CopyDraft per candidate and channel (TemplateGenerator, or adapters.llm)
suite.check_drafts          -> drafts with checks and status ready|blocked (or the GX suite "copy")
publishing.supersedes       -> whether a new draft replaces a pending one; publication_payload for sinks
"""
