package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;

/**
 * The web UI (module {@code ui}) at {@code /}: its files from the classpath, and {@code index.html}
 * for every other path that is not the API's, so that deep links into the app work. Asset names
 * carry a content hash and are cached for a year; {@code index.html} never is.
 */
final class WebUi {
  /** Where the {@code ui} module's build puts the app, as a class-path directory. */
  static final String ROOT = "/dev/spyglass/ui";

  private WebUi() {}

  /** Adds the UI's routes; false when this build has no UI. */
  static boolean addTo(ServerBuilder server) {
    ClassLoader loader = WebUi.class.getClassLoader();
    if (loader.getResource(ROOT.substring(1) + "/index.html") == null) {
      return false;
    }
    HttpService app =
        HttpFile.builder(loader, ROOT + "/index.html")
            .cacheControl(ServerCacheControl.DISABLED)
            .build()
            .asService();
    HttpService files =
        FileService.builder(loader, ROOT)
            .cacheControl(ServerCacheControl.IMMUTABLE)
            .build()
            .orElse(app);
    server.serviceUnder("/", files);
    // Unknown API paths stay JSON errors, not the app's page.
    server.serviceUnder(
        "/api/",
        (ctx, req) ->
            ApiErrors.of(
                HttpStatus.NOT_FOUND,
                "not_found",
                "no such endpoint: " + req.method() + " " + ctx.path()));
    server.service("/", app);
    return true;
  }
}
