//! The board stream for display screens: a snapshot or the missed events, then live ones.

use onestop_kit::ServiceError;
use onestop_proto::queue::v1 as pb;
use tokio::sync::mpsc;
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::service::{BoardStream, QueueApi, required};
use crate::store::setup;

/// The `WatchBoard` RPC.
pub(super) async fn watch_board(
    api: &QueueApi,
    req: Request<pb::WatchBoardRequest>,
) -> Result<Response<BoardStream>, Status> {
    req.get_ref().check_bounds()?;
    let r = req.into_inner();
    required("center_id", &r.center_id)?;
    if r.after_sequence < 0 {
        return Err(ServiceError::invalid("after_sequence", "must not be negative").into());
    }
    // only centres that exist get a channel
    setup::center(&api.store, &r.center_id).await?;
    // subscribe before reading, so nothing falls between the read and the live feed
    let live = api
        .board
        .subscribe(&r.center_id)
        .map_err(|e| Status::resource_exhausted(e.to_string()))?;
    let (first, last) =
        crate::board::stream::initial(&api.store, &r.center_id, r.after_sequence).await?;
    api.board.watching(&r.center_id, last);
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(crate::board::stream::feed(
        api.store.clone(),
        r.center_id,
        first,
        last,
        live,
        tx,
    ));
    Ok(Response::new(Box::pin(
        tokio_stream::wrappers::ReceiverStream::new(rx),
    )))
}
