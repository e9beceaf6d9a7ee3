"""The public, login-free site: what the group has accepted and published.

Only published content is read here: the current engine results (computed from accepted data
sheets and current international releases only), the indicators' metadata and the discrepancy
cases that are closed with a stated reason. Drafts, submitted or returned sheets, comments and
open cases are never read by this package.
"""
