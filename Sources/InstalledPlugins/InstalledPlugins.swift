import AdapterHTTP
import CareFlowCore
import ConsoleAdapter
import FCMAdapter
import OpenAIAdapter
import SMTPAdapter
import SendGridAdapter
import StripeAdapter
import TwilioAdapter

/// The plugins this build of CareFlow serves: the one list the adapter registry, the tenant-file
/// validation and the webhook routes are driven by. Adding a provider is one line here (plus its
/// folder under Plugins/ and its line in Package.swift). The order is the order tenant-file
/// errors list the adapters in; `console` and `none` come last.
public let installedPlugins: [Plugin] = [
    stripePlugin,
    twilioPlugin,
    sendGridPlugin,
    smtpPlugin,
    fcmPlugin,
    openAIPlugin,
    consolePlugin,
]

extension AdapterCatalog {
    /// What tenant files may choose from, with the installed plugins.
    public static let installed = AdapterCatalog(installedPlugins)
}
