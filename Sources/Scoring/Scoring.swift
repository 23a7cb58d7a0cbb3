// `Scoring`: see the README's architecture section.
