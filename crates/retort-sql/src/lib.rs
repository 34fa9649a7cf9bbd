//! Renders retort operations to SQL.
