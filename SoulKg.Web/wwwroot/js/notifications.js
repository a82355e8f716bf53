// The notification centre's browser side: permission for system notifications, showing one, and a "🔔3 · " badge in
// the tab title that survives the pages setting their own titles. Loaded as a module by the bell.

const prefix = /^🔔\d+ · /;
let count = 0;
let observer = null;

export function permission() {
    return "Notification" in window ? Notification.permission : "unsupported";
}

export async function requestPermission() {
    if (!("Notification" in window)) {
        return "unsupported";
    }
    return await Notification.requestPermission();
}

export function show(title, body, url) {
    if (!("Notification" in window) || Notification.permission !== "granted" || document.hasFocus()) {
        return false;
    }
    const notification = new Notification(title, { body: body || "", icon: "favicon.png", tag: url || title });
    notification.onclick = () => {
        window.focus();
        if (url) {
            window.location.assign(url);
        }
        notification.close();
    };
    return true;
}

function applyBadge() {
    const bare = document.title.replace(prefix, "");
    const wanted = count > 0 ? `🔔${count} · ${bare}` : bare;
    if (document.title !== wanted) {
        document.title = wanted;
    }
}

export function setBadge(unread) {
    count = unread;
    applyBadge();
    if (!observer) {
        // Pages change the title through <PageTitle>; put the badge back each time.
        const title = document.querySelector("title");
        if (title) {
            observer = new MutationObserver(applyBadge);
            observer.observe(title, { childList: true, characterData: true, subtree: true });
        }
    }
}
