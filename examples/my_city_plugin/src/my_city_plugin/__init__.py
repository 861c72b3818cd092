"""示例市 (My City): a minimal third-party jurisdiction plugin for ``outsourcing``."""
