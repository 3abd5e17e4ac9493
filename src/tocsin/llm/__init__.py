"""An optional event coder backed by an OpenAI-compatible chat-completions server.

The default coder (`tocsin.pipeline.Pipeline`) stays local; this one is used only when
asked for (`tocsin extract --coder llm`, or TOCSIN_CODER=llm). See docs/llm-coder.md.
"""

from tocsin.llm.coder import LLMCoder, LLMConfigError, LLMError

__all__ = ["LLMCoder", "LLMConfigError", "LLMError"]
