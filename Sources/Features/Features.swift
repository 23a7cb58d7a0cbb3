// `Features`: see the README's architecture section.
