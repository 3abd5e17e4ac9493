"""Optional event coders backed by an OpenAI-compatible chat-completions server.

The default coder stays local; these are used only when asked for: `--coder llm` (the chat
model decides the events at the pipeline's decision seam, `tocsin.llm.events`) or
`--coder llm-document` (it writes the whole JSON, `LLMCoder`). See docs/llm-coder.md.
"""

from tocsin.llm.client import LLMConfigError, LLMError
from tocsin.llm.coder import LLMCoder

__all__ = ["LLMCoder", "LLMConfigError", "LLMError"]
