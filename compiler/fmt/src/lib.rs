//! The SCN formatter.
