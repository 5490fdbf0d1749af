//! Generated wire types, clients and servers for every onestop service, and the
//! file descriptor set that gRPC reflection serves.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

/// Encoded `FileDescriptorSet` of every onestop proto file.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/onestop_descriptor.bin"));

/// `onestop.common.v1`.
pub mod common {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("onestop.common.v1");
    }
}

/// `onestop.catalogue.v1`.
pub mod catalogue {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("onestop.catalogue.v1");
    }
}

/// `onestop.queue.v1`.
pub mod queue {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("onestop.queue.v1");
    }
}

/// `onestop.dossier.v1`.
pub mod dossier {
    /// Version 1.
    pub mod v1 {
        tonic::include_proto!("onestop.dossier.v1");
    }
}
