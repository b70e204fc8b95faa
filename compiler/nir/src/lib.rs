//! SCN's bridge to the Neuromorphic Intermediate Representation (NIR, neuromorphs/NIR): NIR
//! graphs read from and written to HDF5 ([`hdf5io`], nested graphs inlined by [`flatten`]),
//! imported as SCN source ([`import`]) and exported from checked SCN ([`export`]).
//! docs/nir.md describes the mapping, the time step and the reset.

pub mod conv;
pub mod error;
pub mod export;
pub mod flatten;
pub mod hdf5io;
pub mod import;
pub mod linear;
pub mod model;

pub use error::NirError;
pub use model::{Graph, Kind, Node, Tensor};
