# Varnish between nginx and the app servers: the edge cache (docs/operating.md, "The edge
# cache"). It keeps only what the app marked as shared (`Cache-Control: public, s-maxage`:
# anonymous readers of public pages, never an answer that sets a cookie) and is kept true by
# the app servers (ifex/core/edge_cache.py, EDGE_CACHE_URL pointing here):
#   a publish refreshes the changed pages in place (X-Edge-Refresh: a fetch that replaces the
#   kept copy, which readers get until the new one is in);
#   what must leave (unpublished, deleted, moved, private, an address changed) is a PURGE of an
#   address, or a BAN of every page of the host;
#   a ban this cache did not take fails closed: the app servers owe it, their answer to the
#   probe `owes_nothing` turns to 503, and this cache then serves no kept page (every request
#   passes to them) until a ban sent again from the probe's request is taken. The same holds
#   when no app server answers the probe: no kept page is served that they cannot vouch for.
# A page past its s-maxage is served to every reader but one, whose request fetches it anew
# (grace): no crowd reaches the app when a page expires during a spike.
# Placeholders @LIKE_THIS@ are filled by `python -m ifex.deploy.varnish`.
vcl 4.1;

import directors;
import std;

# Each app server, probed once a second: 200 while it owes this cache no ban. Starts healthy:
# a cache just started holds nothing a ban could be owed for.
probe owes_nothing {
    .request = "GET /healthz/edge HTTP/1.1"
        "Host: edge-probe"
        "Connection: close";
    .interval = 1s;
    .timeout = 1s;
    .window = 1;
    .threshold = 1;
    .initial = 1;
}

@BACKENDS@

acl purgers {
@PURGE_FROM@
}

# nginx in front: Varnish passes the client's address on as nginx gave it, so the app counts
# one proxy (TRUSTED_PROXY_COUNT=1) with or without the edge cache.
acl front {
@FRONT@
}

sub vcl_init {
    new apps = directors.round_robin();
    new guards = directors.round_robin();
@DIRECTOR@
}

sub vcl_recv {
    set req.backend_hint = apps.backend();
    # One page, one copy, as nginx in front names the host (`$host`: no port); the app servers'
    # refreshes, purges and bans name it from the site's address, which may carry one.
    set req.http.host = regsub(req.http.host, ":[0-9]+$", "");
    if (client.ip ~ front) {
        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, ",\s*[^,]*$", "");
    }
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "BAN") {
            ban("obj.http.X-Edge-Host == " + req.http.host);
            return (synth(200, "Banned"));
        }
        return (purge);
    }
    if (req.http.X-Edge-Refresh) {
        if (client.ip ~ purgers) {
            set req.hash_always_miss = true;
        }
        unset req.http.X-Edge-Refresh;
    }
    # Readers never reach the probe's address (each asking would send a ban owed again).
    if (req.url ~ "^/healthz/edge") {
        return (synth(404, "Not Found"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A ban owed, or no app server to say none is: serve nothing kept.
    if (!std.healthy(guards.backend())) {
        return (pass);
    }
    # The admin, files (each answer checks the reader's rights) and the rate-limited API.
    if (req.url ~ "^/(admin|documents|media|protected-media|_util|api)/") {
        return (pass);
    }
    # Signed-in staff, and readers who gave a page's password: their session decides.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*@SESSION_COOKIE@=") {
        return (pass);
    }
    # Everyone else shares what the app said may be shared.
    return (hash);
}

sub vcl_backend_response {
    set beresp.http.X-Edge-Host = bereq.http.host;
    if (beresp.ttl > 0s && beresp.http.Cache-Control ~ "public" && !beresp.http.Set-Cookie) {
        # The app keys its pages on the address alone (language from the path, no session).
        unset beresp.http.Vary;
        set beresp.grace = 1h;
        return (deliver);
    }
    set beresp.uncacheable = true;
    set beresp.ttl = 60s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Edge-Host;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    if (obj.uncacheable) {
        set resp.http.X-Edge-Cache = "PASS";
    } elsif (obj.hits > 0 && obj.ttl < 0s) {
        set resp.http.X-Edge-Cache = "STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
}
