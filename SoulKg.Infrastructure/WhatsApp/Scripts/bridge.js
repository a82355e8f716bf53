// SoulKG WhatsApp Web bridge. Injected with AddInitScript before the page's own scripts; reports to .NET through the
// one binding window.__soulkgEmit(json) and takes commands through window.__soulkg.* (called with page.EvaluateAsync).
// It relies only on the page's window.require modules listed below (see docs/whatsapp.md); a missing one is reported,
// never worked around, so a change of the site shows up as Failed with the module's name.
(() => {
    'use strict';
    if (window.top !== window || window.__soulkg) {
        return;
    }

    const VERSION = '1.0.0';
    const MODULES = [
        'WAWebSocketModel', 'WAWebConnModel', 'WAWebCmd', 'WAWebCollections',
        'WAWebSignalStoreApi', 'WAWebUserPrefsInfoStore', 'WAWebAdvSignatureApi', 'WAWebCompanionRegClientUtils', 'WABase64',
        'WAWebWidFactory', 'WAWebFindChatAction', 'WAWebMsgKey', 'WAWebSendMsgChatAction',
        'WAWebChatStateBridge', 'WAWebQueryExistsJob',
    ];
    const WAIT_MS = 60000;
    const SENT_KEY = 'soulkg.sent';
    let m = null;

    const emit = (type, data) => {
        try {
            window.__soulkgEmit(JSON.stringify(Object.assign({}, data || {}, { type })));
        } catch (e) {
            // the binding is gone only while the page is closing
        }
    };
    const load = name => {
        try {
            return window.require(name) || null;
        } catch (e) {
            return null;
        }
    };

    const serialize = msg => ({
        id: msg.id && msg.id._serialized,
        chatId: (msg.id && msg.id.remote && (msg.id.remote._serialized || msg.id.remote)) || (msg.from && msg.from._serialized),
        from: msg.from && (msg.from._serialized || msg.from),
        author: msg.author ? (msg.author._serialized || msg.author) : null,
        senderPn: msg.senderPn ? (msg.senderPn._serialized || msg.senderPn) : null,
        fromMe: !!(msg.id && msg.id.fromMe),
        body: msg.body || '',
        msgType: msg.type,
        t: msg.t,
        notifyName: msg.notifyName || null,
        isGroup: !!(msg.id && msg.id.remote && String(msg.id.remote._serialized || msg.id.remote).endsWith('@g.us')),
    });

    const qrString = () => {
        const ref = m.WAWebConnModel.Conn.ref;
        if (!ref) {
            return null;
        }
        const b64 = m.WABase64.encodeB64;
        const noise = m.WAWebUserPrefsInfoStore.waNoiseInfo.get();
        const reg = m.WAWebSignalStoreApi.waSignalStore.getRegistrationInfo();
        const adv = m.WAWebAdvSignatureApi.getADVSecretKey();
        const platform = m.WAWebCompanionRegClientUtils.DEVICE_PLATFORM;
        return [ref, b64(noise.staticKeyPair.pubKey), b64(reg.identityKeyPair.pubKey), adv, platform].join(',');
    };

    const sentIds = () => {
        try {
            return JSON.parse(localStorage.getItem(SENT_KEY) || '{}');
        } catch (e) {
            return {};
        }
    };

    const wire = () => {
        const socket = m.WAWebSocketModel.Socket;
        const conn = m.WAWebConnModel.Conn;
        const { Msg } = m.WAWebCollections;
        socket.on('change:state', (_, state) => {
            emit('state', { state });
            if (state === 'UNPAIRED' || state === 'UNPAIRED_IDLE') {
                emit('qr', { qr: qrString(), idle: state === 'UNPAIRED_IDLE' });
            }
        });
        socket.on('change:hasSynced', (_, synced) => {
            if (synced) {
                emit('synced', { me: socket.me ? (socket.me._serialized || String(socket.me)) : null });
                catchUp();
            }
        });
        conn.on('change:ref', () => {
            if (socket.state === 'UNPAIRED') {
                emit('qr', { qr: qrString(), idle: false });
            }
        });
        m.WAWebCmd.Cmd.on('logout', () => emit('logout', {}));
        Msg.on('add', msg => {
            if (msg.isNewMsg && msg.type !== 'ciphertext' && !(msg.id && msg.id.fromMe)) {
                emit('message', serialize(msg));
            }
        });
        // A ciphertext placeholder is replaced in place once it can be decrypted.
        Msg.on('change:type', msg => {
            if (msg.isNewMsg && msg.type !== 'ciphertext' && !(msg.id && msg.id.fromMe)) {
                emit('message', serialize(msg));
            }
        });
        Msg.on('change:ack', (msg, ack) => {
            if (msg.id && msg.id.fromMe) {
                emit('ack', { id: msg.id._serialized, ack });
            }
        });

        emit('state', { state: socket.state });
        if (socket.state === 'UNPAIRED' || socket.state === 'UNPAIRED_IDLE') {
            emit('qr', { qr: qrString(), idle: socket.state === 'UNPAIRED_IDLE' });
        }
        if (socket.hasSynced) {
            emit('synced', { me: socket.me ? (socket.me._serialized || String(socket.me)) : null });
            catchUp();
        }
    };

    // After any (re)connect: the last unread messages of every chat, so nothing that came while we were away is lost.
    // The host dedupes on the message id, so sending one twice is harmless.
    const catchUp = () => {
        const { Chat } = m.WAWebCollections;
        for (const chat of Chat.getModelsArray()) {
            const unread = chat.unreadCount || 0;
            if (unread <= 0) {
                continue;
            }
            const msgs = chat.msgs.getModelsArray().filter(x => !(x.id && x.id.fromMe) && x.type !== 'ciphertext');
            for (const msg of msgs.slice(-unread)) {
                emit('message', Object.assign(serialize(msg), { catchUp: true }));
            }
        }
    };

    const start = () => {
        const missing = MODULES.filter(name => !load(name));
        emit('bridge_ready', { version: VERSION, missing });
        if (missing.length > 0) {
            return;
        }
        m = Object.fromEntries(MODULES.map(name => [name, load(name)]));
        try {
            wire();
        } catch (e) {
            emit('error', { message: 'wire: ' + (e && e.message) });
        }
    };

    const began = Date.now();
    const wait = () => {
        if (typeof window.require === 'function' && load('WAWebSocketModel')) {
            start();
        } else if (Date.now() - began > WAIT_MS) {
            emit('bridge_ready', { version: VERSION, missing: typeof window.require === 'function' ? MODULES.filter(n => !load(n)) : ['window.require'] });
        } else {
            setTimeout(wait, 100);
        }
    };

    const need = () => {
        if (!m) {
            throw new Error('bridge not ready');
        }
        return m;
    };
    const wid = id => need().WAWebWidFactory.createWid(id);

    window.__soulkg = {
        version: VERSION,
        ping: () => true,
        getState: () => m ? { state: m.WAWebSocketModel.Socket.state, hasSynced: !!m.WAWebSocketModel.Socket.hasSynced } : { state: null, hasSynced: false },
        getQr: () => m ? qrString() : null,
        refreshQr: () => { need().WAWebCmd.Cmd.refreshQR(); return true; },
        takeover: () => { need().WAWebSocketModel.Socket.takeover(); return true; },
        logout: () => { need().WAWebSocketModel.Socket.logout(); return true; },
        setTyping: async (chatId, on) => {
            const bridge = need().WAWebChatStateBridge;
            await (on ? bridge.sendChatStateComposing(wid(chatId)) : bridge.sendChatStatePaused(wid(chatId)));
            return true;
        },
        checkNumber: async chatId => {
            const result = await need().WAWebQueryExistsJob.queryWidExists(wid(chatId));
            return { exists: !!(result && result.wid) };
        },
        // The idempotency key is remembered with the message id: a retry of the same outbox entry returns the first id.
        sendText: async (chatId, text, key) => {
            const known = sentIds();
            if (key && known[key]) {
                return { id: known[key], repeated: true };
            }
            const mods = need();
            const to = wid(chatId);
            const chat = await mods.WAWebFindChatAction.findOrCreateLatestChat(to);
            const MsgKey = mods.WAWebMsgKey;
            const id = new MsgKey({ fromMe: true, remote: to, id: await MsgKey.newId() });
            const result = await mods.WAWebSendMsgChatAction.addAndSendMsgToChat(chat.chat || chat, {
                id, type: 'chat', body: text, t: Math.floor(Date.now() / 1000), from: mods.WAWebSocketModel.Socket.me, to, ack: 0, isNewMsg: true, local: true,
            });
            const outcome = Array.isArray(result) ? await result[1] : await result;
            if (outcome && outcome.messageSendResult && outcome.messageSendResult !== 'OK') {
                throw new Error('send failed: ' + outcome.messageSendResult);
            }
            known[key] = id._serialized;
            const keys = Object.keys(known);
            if (keys.length > 500) {
                delete known[keys[0]];
            }
            localStorage.setItem(SENT_KEY, JSON.stringify(known));
            return { id: id._serialized, repeated: false };
        },
    };

    wait();
})();
