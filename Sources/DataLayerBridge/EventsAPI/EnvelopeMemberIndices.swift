/// Where the envelope members the rules read are, `nil` where missing: found in one pass over the
/// envelope when its findings start, rather than by a backward scan per name in each rule (two
/// dozen scans of every member, which cost an envelope more than the checks themselves).
///
/// The last member of a name wins, as in ``JSONObject/lastIndex(named:)``. A key is compared only
/// with the names of its length, by `==` as ``JSONObject/Member/hasKey(_:)`` does, so the
/// positions are the ones a lookup per name finds.
struct EnvelopeMemberIndices {
    var type: Int?
    var id: Int?
    var trackerID: Int?
    var clientID: Int?
    var customerID: Int?
    var localTimestamp: Int?
    var platform: Int?
    var userAgent: Int?
    var referer: Int?
    var context: Int?
    var abTestVariant: Int?
    var consentGranted: Int?
    var recommendationID: Int?
    var appVersion: Int?
    var url: Int?
    var title: Int?
    var lists: Int?
    var action: Int?
    var items: Int?

    init(_ envelope: JSONObject) {
        envelope.members.withUnsafeBufferPointer { members in
            // Forward, so that the last member of a name wins; each key is read in place.
            for index in members.indices {
                switch members[index].keyLength {
                case 2: if members[index].key == "id" { id = index }
                case 3: if members[index].key == "url" { url = index }
                case 4: if members[index].key == "type" { type = index }
                case 5:
                    if members[index].key == "title" {
                        title = index
                    } else if members[index].key == "lists" {
                        lists = index
                    } else if members[index].key == "items" {
                        items = index
                    }
                case 6: if members[index].key == "action" { action = index }
                case 7:
                    if members[index].key == "referer" {
                        referer = index
                    } else if members[index].key == "context" {
                        context = index
                    }
                case 8: if members[index].key == "platform" { platform = index }
                case 9: if members[index].key == "client_id" { clientID = index }
                case 10:
                    if members[index].key == "tracker_id" {
                        trackerID = index
                    } else if members[index].key == "user_agent" {
                        userAgent = index
                    }
                case 11:
                    if members[index].key == "customer_id" {
                        customerID = index
                    } else if members[index].key == "app_version" {
                        appVersion = index
                    }
                case 15:
                    if members[index].key == "local_timestamp" {
                        localTimestamp = index
                    } else if members[index].key == "consent_granted" {
                        consentGranted = index
                    } else if members[index].key == "ab_test_variant" {
                        abTestVariant = index
                    }
                case 17: if members[index].key == "recommendation_id" { recommendationID = index }
                default: break
                }
            }
        }
    }
}
