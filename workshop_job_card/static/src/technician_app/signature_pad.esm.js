import {Component, onMounted, useRef} from "@odoo/owl";

/** A finger-drawn signature: reports a PNG data URL (or null when cleared). */
export class SignaturePad extends Component {
    static template = "workshop_job_card.SignaturePad";
    static props = {onChange: Function};

    setup() {
        this.canvasRef = useRef("canvas");
        this.drawing = false;
        this.empty = true;
        onMounted(() => this.resize());
    }

    resize() {
        const canvas = this.canvasRef.el;
        canvas.width = canvas.clientWidth || 320;
        canvas.height = canvas.clientHeight || 180;
        const ctx = canvas.getContext("2d");
        ctx.lineWidth = 2.5;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.strokeStyle = "#1a1a40";
    }

    point(ev) {
        const rect = this.canvasRef.el.getBoundingClientRect();
        return [ev.clientX - rect.left, ev.clientY - rect.top];
    }

    onDown(ev) {
        ev.preventDefault();
        this.canvasRef.el.setPointerCapture?.(ev.pointerId);
        this.drawing = true;
        const ctx = this.canvasRef.el.getContext("2d");
        ctx.beginPath();
        ctx.moveTo(...this.point(ev));
    }

    onMove(ev) {
        if (!this.drawing) {
            return;
        }
        ev.preventDefault();
        const ctx = this.canvasRef.el.getContext("2d");
        ctx.lineTo(...this.point(ev));
        ctx.stroke();
        this.empty = false;
    }

    onUp() {
        if (!this.drawing) {
            return;
        }
        this.drawing = false;
        if (!this.empty) {
            this.props.onChange(this.canvasRef.el.toDataURL("image/png"));
        }
    }

    clear() {
        const canvas = this.canvasRef.el;
        canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
        this.empty = true;
        this.props.onChange(null);
    }
}
