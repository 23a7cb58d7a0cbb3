// SyntheticCRM: realistic synthetic CRM exports whose close probability follows known effects.
