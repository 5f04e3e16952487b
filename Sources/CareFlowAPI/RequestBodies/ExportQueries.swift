import CareFlowCore

/// `?facility_id=&doctor_id=&patient_id=&status=&from=&to=` (RFC 3339) of `appointments.csv`: the
/// appointment list's parameters, read by the same code into the same `AppointmentFilters`, less
/// `view` (which depends on the moment and sets the list's order). `invoices.csv` and
/// `admissions.csv` read `InvoiceListQuery` and `AdmissionListQuery` themselves.
struct AppointmentExportQuery: RequestQuery {
    static let parameterNames = AppointmentListQuery.parameterNames.filter { $0 != "view" }
    let filters: AppointmentFilters

    init?(fields: inout FieldReader) {
        filters = AppointmentListQuery.filters(&fields, view: nil)
    }
}
