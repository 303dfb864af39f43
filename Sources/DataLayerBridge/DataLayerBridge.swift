/// DataLayer Bridge turns what web shops push into their `dataLayer` into Luigi's Box Events API
/// envelopes and other analytics targets, through declarative mapping files.
public enum DataLayerBridge {
    /// The version of the library and of the `dlbridge` tool.
    public static let version = "0.1.0"
}
