// Inbox helpers: keep the chat pinned to its newest message, and the composer's keys (Enter sends, Shift+Enter is a new
// line, arrows/Escape drive the canned replies picker). Loaded as a module by the inbox components.

export function pinToBottom(scroller) {
    unpin(scroller);
    if (!scroller) {
        return;
    }

    const state = { pinned: true };
    const stick = () => {
        if (state.pinned) {
            scroller.scrollTop = scroller.scrollHeight;
        }
    };
    const onScroll = () => {
        state.pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    };
    scroller.addEventListener("scroll", onScroll, { passive: true });
    const resize = new ResizeObserver(stick);
    for (const child of scroller.children) {
        resize.observe(child);
    }
    resize.observe(scroller);
    const mutation = new MutationObserver(stick);
    mutation.observe(scroller, { childList: true, subtree: true });
    stick();
    scroller._inboxPin = {
        state,
        dispose: () => {
            scroller.removeEventListener("scroll", onScroll);
            resize.disconnect();
            mutation.disconnect();
        },
    };
}

export function scrollToBottom(scroller) {
    if (scroller?._inboxPin) {
        scroller._inboxPin.state.pinned = true;
    }
    if (scroller) {
        scroller.scrollTop = scroller.scrollHeight;
    }
}

export function unpin(scroller) {
    scroller?._inboxPin?.dispose();
    if (scroller) {
        delete scroller._inboxPin;
    }
}

export function initComposer(textarea, dotnet) {
    disposeComposer(textarea);
    if (!textarea) {
        return;
    }

    const onKey = (e) => {
        if (e.isComposing) {
            return;
        }
        const picker = textarea.dataset.picker === "open";
        if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            dotnet.invokeMethodAsync("OnEnter", textarea.value);
        } else if (picker && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
            e.preventDefault();
            dotnet.invokeMethodAsync("OnArrow", e.key === "ArrowDown" ? 1 : -1);
        } else if (picker && (e.key === "Escape" || e.key === "Tab")) {
            e.preventDefault();
            dotnet.invokeMethodAsync(e.key === "Escape" ? "OnEscape" : "OnEnter", textarea.value);
        }
    };
    textarea.addEventListener("keydown", onKey);
    textarea._inboxComposer = () => textarea.removeEventListener("keydown", onKey);
}

export function disposeComposer(textarea) {
    textarea?._inboxComposer?.();
    if (textarea) {
        delete textarea._inboxComposer;
    }
}

export function focusEnd(textarea) {
    if (!textarea) {
        return;
    }
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = textarea.value.length;
}
