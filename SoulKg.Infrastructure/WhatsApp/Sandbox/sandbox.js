// The SoulKG sandbox: an emulation of WhatsApp Web served at https://web.whatsapp.com/ by Playwright routing, for dev
// and tests only. It exposes the window.require modules, events and commands our bridge uses (docs/whatsapp.md), and
// talks to the "WhatsApp server" (SandboxServer in the app) over routed fetches to /__sandbox/*: it long-polls for
// what the server pushes (a phone scanning the QR, client messages, read receipts, control commands) and posts what the
// page sends. Its linked session lives in localStorage, i.e. in the channel's browser profile, as the real one does.
(() => {
    'use strict';
    const config = window.__SANDBOX_CONFIG || {};
    const broken = new Set(config.broken || []);
    const SESSION = 'sandbox.session';
    const CHATS = 'sandbox.chats';
    const AFTER = 'sandbox.after';

    class Model {
        constructor(attrs) {
            Object.assign(this, attrs);
            this._handlers = {};
        }
        on(event, fn) {
            (this._handlers[event] = this._handlers[event] || []).push(fn);
            return this;
        }
        off(event, fn) {
            this._handlers[event] = (this._handlers[event] || []).filter(h => h !== fn);
        }
        trigger(event, ...args) {
            for (const fn of (this._handlers[event] || []).slice()) {
                try {
                    fn(...args);
                } catch (e) {
                    console.error(e);
                }
            }
            if (this._collection) {
                this._collection.trigger(event, ...args);
            }
        }
        set(key, value) {
            if (this[key] === value) {
                return;
            }
            this[key] = value;
            this.trigger('change:' + key, this, value);
        }
    }

    class Collection extends Model {
        constructor() {
            super({});
            this._models = [];
        }
        add(model, options) {
            model._collection = this;
            this._models.push(model);
            if (!(options && options.silent)) {
                this.trigger('add', model);
            }
            return model;
        }
        get(id) {
            return this._models.find(x => (x.id && (x.id._serialized || x.id)) === id);
        }
        getModelsArray() {
            return this._models.slice();
        }
    }

    const widOf = id => ({ _serialized: id, user: id.split('@')[0], server: id.split('@')[1], toString: () => id });
    const rand = n => Array.from(crypto.getRandomValues(new Uint8Array(n)), b => b.toString(16).padStart(2, '0')).join('').toUpperCase();
    const post = (path, body) => fetch('/__sandbox/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
    const load = (key, fallback) => {
        try {
            return JSON.parse(localStorage.getItem(key)) || fallback;
        } catch (e) {
            return fallback;
        }
    };

    const Socket = new Model({ state: 'OPENING', hasSynced: false, me: null });
    const Conn = new Model({ ref: null });
    const Cmd = new Model({});
    const Msg = new Collection();
    const Chat = new Collection();
    let failSends = !!config.failSends;
    let rotations = 0;
    let rotateTimer = null;

    class MsgKey {
        constructor({ fromMe, remote, id }) {
            this.fromMe = fromMe;
            this.remote = remote;
            this.id = id;
            this._serialized = `${fromMe}_${remote._serialized || remote}_${id}`;
        }
        static async newId() {
            return '3EB0' + rand(8);
        }
    }

    const chatOf = id => Chat.get(id) || Chat.add(new Model({ id: widOf(id), unreadCount: 0, msgs: new Collection() }), { silent: true });

    const saveChats = () => {
        const data = Chat.getModelsArray().map(c => ({
            id: c.id._serialized,
            unreadCount: c.unreadCount,
            msgs: c.msgs.getModelsArray().slice(-50).map(x => ({ id: x.id._serialized, remote: x.id.remote._serialized, fromMe: x.id.fromMe, raw: x.id.id, body: x.body, t: x.t, notifyName: x.notifyName, from: x.from._serialized, type: x.type })),
        }));
        localStorage.setItem(CHATS, JSON.stringify(data));
    };

    const restoreChats = () => {
        for (const c of load(CHATS, [])) {
            const chat = chatOf(c.id);
            chat.unreadCount = c.unreadCount;
            for (const x of c.msgs) {
                chat.msgs.add(new Model({ id: new MsgKey({ fromMe: x.fromMe, remote: widOf(x.remote), id: x.raw }), body: x.body, t: x.t, notifyName: x.notifyName, from: widOf(x.from), type: x.type, ack: 3 }), { silent: true });
            }
        }
    };

    // A client's message as the server delivers it. Live ones fire Msg "add" (a ciphertext placeholder first, when asked);
    // ones that arrive while syncing become unread history, which the bridge catches up on.
    const receive = (data, live) => {
        const chatId = data.chatId;
        const chat = chatOf(chatId);
        const known = chat.msgs.get(data.id);
        if (known) {
            // The server delivers a message it already delivered (as after a reconnect): the page announces it again, and
            // the host must keep it single.
            if (data.again && live) {
                known.isNewMsg = true;
                Msg.trigger('add', known);
            }
            return;
        }
        const msg = new Model({
            id: new MsgKey({ fromMe: false, remote: widOf(chatId), id: data.id.split('_').pop() }),
            from: widOf(chatId), senderPn: data.senderPn ? widOf(data.senderPn) : null, body: data.body, t: data.t, notifyName: data.name,
            type: live && data.ciphertext ? 'ciphertext' : 'chat', isNewMsg: live, ack: 1,
        });
        msg.id._serialized = data.id;
        chat.msgs.add(msg, { silent: true });
        chat.unreadCount = (chat.unreadCount || 0) + 1;
        Msg.add(msg, { silent: !live });
        if (msg.type === 'ciphertext') {
            setTimeout(() => msg.set('type', 'chat'), 300);
        }
        saveChats();
    };

    const showQr = () => {
        Conn.set('ref', '2@' + rand(24));
        rotations = 1;
        clearInterval(rotateTimer);
        Socket.set('state', 'UNPAIRED');
        rotateTimer = setInterval(() => {
            if (rotations >= (config.qrRotations || 5)) {
                clearInterval(rotateTimer);
                Socket.set('state', 'UNPAIRED_IDLE');
                return;
            }
            rotations++;
            Conn.set('ref', '2@' + rand(24));
        }, config.qrRotateMs || 20000);
    };

    const connect = () => {
        Socket.set('state', 'CONNECTED');
        needSync = true;
        if (pending) {
            pending.abort();
        }
    };

    const unlink = () => {
        localStorage.removeItem(SESSION);
        localStorage.removeItem(CHATS);
        Socket.set('hasSynced', false);
        Socket.me = null;
        Cmd.trigger('logout');
        showQr();
    };

    const apply = event => {
        switch (event.type) {
        case 'scan':
            if (Socket.state === 'UNPAIRED' && typeof event.qr === 'string' && event.qr.split(',')[0] === Conn.ref) {
                clearInterval(rotateTimer);
                Socket.set('state', 'PAIRING');
                localStorage.setItem(SESSION, JSON.stringify({ me: event.me }));
                Socket.me = widOf(event.me);
                setTimeout(connect, 200);
            }
            break;
        case 'rotate':
            if (Socket.state === 'UNPAIRED') {
                Conn.set('ref', '2@' + rand(24));
            }
            break;
        case 'message':
            receive(event, Socket.hasSynced);
            break;
        case 'ack': {
            const msg = Msg.get(event.id);
            if (msg && (msg.ack || 0) < event.ack) {
                msg.set('ack', event.ack);
            }
            break;
        }
        case 'state':
            Socket.set('state', event.state);
            break;
        case 'logout':
            unlink();
            break;
        case 'failSends':
            failSends = !!event.on;
            break;
        default:
            break;
        }
    };

    // Long-polls the server for as long as the page lives. After (re)connecting, the first answer is the backlog kept
    // while we were away; it becomes unread history, then the socket reports hasSynced.
    let needSync = false;
    let pending = null;
    const pollLoop = async () => {
        for (;;) {
            const syncing = needSync;
            needSync = false;
            try {
                const after = Number(localStorage.getItem(AFTER) || '0');
                pending = new AbortController();
                const response = await fetch('/__sandbox/poll?after=' + after + '&wait=' + (syncing ? 0 : 1), { signal: pending.signal });
                const events = await response.json();
                pending = null;
                for (const event of events) {
                    apply(event);
                    localStorage.setItem(AFTER, String(event.seq));
                }
                if (syncing && Socket.state === 'CONNECTED') {
                    Socket.set('hasSynced', true);
                }
            } catch (e) {
                needSync = needSync || syncing;
                if (!(e && e.name === 'AbortError')) {
                    await new Promise(r => setTimeout(r, 500));
                }
            }
        }
    };

    const modules = {
        WAWebSocketModel: {
            Socket: Object.assign(Socket, {
                takeover: () => {
                    if (Socket.state === 'CONFLICT') {
                        Socket.set('state', 'CONNECTED');
                    }
                },
                logout: () => {
                    post('logout', {});
                    unlink();
                },
            }),
        },
        WAWebConnModel: { Conn },
        WAWebCmd: { Cmd: Object.assign(Cmd, { refreshQR: () => showQr() }) },
        WAWebCollections: { Msg, Chat },
        WAWebSignalStoreApi: { waSignalStore: { getRegistrationInfo: () => ({ identityKeyPair: { pubKey: 'identity-' + (config.channelId || '') } }) } },
        WAWebUserPrefsInfoStore: { waNoiseInfo: { get: () => ({ staticKeyPair: { pubKey: 'noise-' + (config.channelId || '') } }) } },
        WAWebAdvSignatureApi: { getADVSecretKey: () => 'c2FuZGJveC1hZHY=' },
        WAWebCompanionRegClientUtils: { DEVICE_PLATFORM: 'Chrome' },
        WABase64: { encodeB64: value => btoa(unescape(encodeURIComponent(String(value)))) },
        WAWebWidFactory: { createWid: id => widOf(String(id)) },
        WAWebFindChatAction: { findOrCreateLatestChat: async wid => ({ chat: chatOf(wid._serialized) }) },
        WAWebMsgKey: MsgKey,
        WAWebSendMsgChatAction: {
            addAndSendMsgToChat: (chat, attrs) => {
                const msg = new Model(Object.assign({}, attrs));
                chat.msgs.add(msg, { silent: true });
                Msg.add(msg);
                const sent = (async () => {
                    if (failSends || Socket.state !== 'CONNECTED') {
                        msg.set('ack', -1);
                        return { messageSendResult: 'ERROR' };
                    }
                    const response = await post('sent', { id: attrs.id._serialized, to: chat.id._serialized, body: attrs.body, t: attrs.t });
                    if (!response.ok) {
                        msg.set('ack', -1);
                        return { messageSendResult: 'ERROR' };
                    }
                    msg.set('ack', 1);
                    return { messageSendResult: 'OK' };
                })();
                return [Promise.resolve(msg), sent];
            },
        },
        WAWebChatStateBridge: {
            sendChatStateComposing: async wid => { await post('typing', { to: wid._serialized, on: true }); },
            sendChatStatePaused: async wid => { await post('typing', { to: wid._serialized, on: false }); },
        },
        WAWebQueryExistsJob: {
            queryWidExists: async wid => {
                const response = await post('exists', { id: wid._serialized });
                const body = await response.json();
                return body.exists ? { wid } : null;
            },
        },
    };

    // Like the real site, the modules show up a moment after the page starts.
    setTimeout(() => {
        window.require = name => {
            if (broken.has(name) || !(name in modules)) {
                throw new Error(`Requiring unknown module "${name}"`);
            }
            return modules[name];
        };
        const session = load(SESSION, null);
        restoreChats();
        if (session && session.me) {
            Socket.me = widOf(session.me);
            connect();
        } else {
            showQr();
        }
        Socket.on('change:state', (_, state) => { document.getElementById('state').textContent = state; });
        pollLoop();
    }, 150);
})();
