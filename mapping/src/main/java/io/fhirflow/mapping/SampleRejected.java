package io.fhirflow.mapping;

/**
 * Thrown inside the mapper to stop at the first problem; {@link FhirMapper} turns it into a {@link Rejection}.
 * No stack trace: it is control flow on bad data, not a bug.
 */
final class SampleRejected extends RuntimeException {
    private final transient Rejection rejection;

    SampleRejected(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.rejection = new Rejection(reason, detail);
    }

    Rejection rejection() {
        return rejection;
    }
}
