"""A numba port of SGP4's near-earth propagation, fused with the TEME -> ITRS rotation.

Initialisation is python-sgp4's own (its pure-Python ``sgp4init``), so every
coefficient is exactly the reference's; only the per-step propagation below
is re-implemented, line for line after Vallado's ``sgp4()`` (near-earth
branch, the deep-space branch stays with python-sgp4). Verified against the
Vallado verification vectors and against python-sgp4 in the tests.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Positions outside any Earth orbit are failures, never data (satsov's code 7, after python-sgp4's 1-6).
SANE_RADIUS_MIN_KM = 6000.0
SANE_RADIUS_MAX_KM = 1.0e6
INSANE_POSITION = 7

# Columns of the coefficient table (one row per satellite).
FIELDS = ("isimp", "mo", "mdot", "argpo", "argpdot", "nodeo", "nodedot", "nodecf", "cc1", "bstar", "cc4",
          "t2cof", "omgcof", "eta", "xmcof", "delmo", "d2", "d3", "d4", "cc5", "sinmao", "t3cof", "t4cof",
          "t5cof", "no_unkozai", "ecco", "inclo", "aycof", "xlcof", "con41", "x1mth2", "x7thm1",
          "jdsatepoch", "jdsatepochF", "xke", "j2", "radiusearthkm")
DERIVED = ("a0", "sinio", "cosio")  # (xke/no_unkozai)^(2/3), sin and cos of the inclination
_FASTMATH = {"nsz", "contract"}  # fused multiply-add only; no reassociation (0.2 m), no nnan (NaN marks failures)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _series_sincos(x):
    """sin and cos of a small angle by their series, without a branch (|x| < 0.05 rad: error far below 1e-17).
    The lanes' arguments are of the order of J2 (about 1e-3 rad); a lane with one above 0.05 is flagged."""
    x2 = x * x
    return (x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0))),
            1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0))))


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _small_sincos(x):
    """sin and cos of a small angle by their series (|x| < 0.05 rad: error far below 1e-17)."""
    if abs(x) > 0.05:
        return math.sin(x), math.cos(x)
    return _series_sincos(x)


def coefficients(model_satrecs) -> np.ndarray:
    """Table of SGP4 coefficients from pure-Python ``sgp4.model.Satrec`` objects."""
    table = np.empty((len(model_satrecs), len(FIELDS) + len(DERIVED)))
    for row, sat in enumerate(model_satrecs):
        for col, name in enumerate(FIELDS):
            table[row, col] = float(getattr(sat, name))
        table[row, -3] = (sat.xke / sat.no_unkozai) ** (2.0 / 3.0)
        table[row, -2] = math.sin(sat.inclo)
        table[row, -1] = math.cos(sat.inclo)
    return table


# Columns of the element table ``init_near`` reads (python-sgp4's names and units: radians, radians per minute,
# Julian dates split in two).
ELEMENT_FIELDS = ("bstar", "ecco", "argpo", "inclo", "mo", "no_kozai", "nodeo", "jdsatepoch", "jdsatepochF")


def element_table(satrecs) -> np.ndarray:
    """Element table of ``init_near`` from any python-sgp4 ``Satrec`` (the C++ one parses a TLE in microseconds)."""
    table = np.empty((len(satrecs), len(ELEMENT_FIELDS)))
    for row, sat in enumerate(satrecs):
        table[row] = (sat.bstar, sat.ecco, sat.argpo, sat.inclo, sat.mo, sat.no_kozai, sat.nodeo, sat.jdsatepoch,
                      sat.jdsatepochF)
    return table


@njit(cache=True, error_model="numpy")  # no fast-math: the coefficients are to be python-sgp4's to the bit
def init_near(elements, xke, j2, j3oj2, j4, radiusearthkm, out, deep):
    """SGP4's near-earth initialisation (Vallado's ``sgp4init`` with ``initl``, improved mode) for many satellites
    at once: fills ``out`` with rows of ``coefficients`` (FIELDS then DERIVED) and ``deep`` with True where the
    period is 225 minutes or more (those rows are left for python-sgp4's deep-space model). Each expression is the
    reference's, in its order of operations, so that the rows equal python-sgp4's (tested)."""
    x2o3 = 2.0 / 3.0
    ss = 78.0 / radiusearthkm + 1.0
    qzms2ttemp = (120.0 - 78.0) / radiusearthkm
    qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp
    for i in range(elements.shape[0]):
        bstar, ecco, argpo, inclo, mo, no_kozai, nodeo, jd, fr = (
            elements[i, 0], elements[i, 1], elements[i, 2], elements[i, 3], elements[i, 4], elements[i, 5],
            elements[i, 6], elements[i, 7], elements[i, 8])
        # initl: the mean motion without Kozai's correction, and the constants of the orbit
        eccsq = ecco * ecco
        omeosq = 1.0 - eccsq
        rteosq = math.sqrt(omeosq)
        cosio = math.cos(inclo)
        cosio2 = cosio * cosio
        ak = math.pow(xke / no_kozai, x2o3)
        d1 = 0.75 * j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq)
        del_ = d1 / (ak * ak)
        adel = ak * (1.0 - del_ * del_ - del_ * (1.0 / 3.0 + 134.0 * del_ * del_ / 81.0))
        del_ = d1 / (adel * adel)
        no_unkozai = no_kozai / (1.0 + del_)
        ao = math.pow(xke / no_unkozai, x2o3)
        sinio = math.sin(inclo)
        po = ao * omeosq
        con42 = 1.0 - 5.0 * cosio2
        con41 = -con42 - cosio2 - cosio2
        posq = po * po
        rp = ao * (1.0 - ecco)
        deep[i] = 2.0 * math.pi / no_unkozai >= 225.0
        isimp = 0.0
        if rp < 220.0 / radiusearthkm + 1.0:
            isimp = 1.0
        sfour = ss
        qzms24 = qzms2t
        perige = (rp - 1.0) * radiusearthkm
        if perige < 156.0:
            sfour = perige - 78.0
            if perige < 98.0:
                sfour = 20.0
            qzms24temp = (120.0 - sfour) / radiusearthkm
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp
            sfour = sfour / radiusearthkm + 1.0
        pinvsq = 1.0 / posq
        tsi = 1.0 / (ao - sfour)
        eta = ao * ecco * tsi
        etasq = eta * eta
        eeta = ecco * eta
        psisq = abs(1.0 - etasq)
        coef = qzms24 * math.pow(tsi, 4.0)
        coef1 = coef / math.pow(psisq, 3.5)
        cc2 = coef1 * no_unkozai * (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq)) + 0.375 * j2 * tsi / psisq
                                    * con41 * (8.0 + 3.0 * etasq * (8.0 + etasq)))
        cc1 = bstar * cc2
        cc3 = 0.0
        if ecco > 1.0e-4:
            cc3 = -2.0 * coef * tsi * j3oj2 * no_unkozai * sinio / ecco
        x1mth2 = 1.0 - cosio2
        cc4 = 2.0 * no_unkozai * coef1 * ao * omeosq * (
            eta * (2.0 + 0.5 * etasq) + ecco * (0.5 + 2.0 * etasq) - j2 * tsi / (ao * psisq)
            * (-3.0 * con41 * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta)) + 0.75 * x1mth2
               * (2.0 * etasq - eeta * (1.0 + etasq)) * math.cos(2.0 * argpo)))
        cc5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq)
        cosio4 = cosio2 * cosio2
        temp1 = 1.5 * j2 * pinvsq * no_unkozai
        temp2 = 0.5 * temp1 * j2 * pinvsq
        temp3 = -0.46875 * j4 * pinvsq * pinvsq * no_unkozai
        mdot = (no_unkozai + 0.5 * temp1 * rteosq * con41 + 0.0625 * temp2 * rteosq
                * (13.0 - 78.0 * cosio2 + 137.0 * cosio4))
        argpdot = (-0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
                   + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4))
        xhdot1 = -temp1 * cosio
        nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio
        omgcof = bstar * cc3 * math.cos(argpo)
        xmcof = 0.0
        if ecco > 1.0e-4:
            xmcof = -x2o3 * coef * bstar / eeta
        nodecf = 3.5 * omeosq * xhdot1 * cc1
        t2cof = 1.5 * cc1
        if abs(cosio + 1.0) > 1.5e-12:
            xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio)
        else:
            xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / 1.5e-12
        aycof = -0.5 * j3oj2 * sinio
        delmotemp = 1.0 + eta * math.cos(mo)
        delmo = delmotemp * delmotemp * delmotemp
        sinmao = math.sin(mo)
        x7thm1 = 7.0 * cosio2 - 1.0
        d2 = d3 = d4 = t3cof = t4cof = t5cof = 0.0
        if isimp != 1.0:
            cc1sq = cc1 * cc1
            d2 = 4.0 * ao * tsi * cc1sq
            temp = d2 * tsi * cc1 / 3.0
            d3 = (17.0 * ao + sfour) * temp
            d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * cc1
            t3cof = d2 + 2.0 * cc1sq
            t4cof = 0.25 * (3.0 * d3 + cc1 * (12.0 * d2 + 10.0 * cc1sq))
            t5cof = 0.2 * (3.0 * d4 + 12.0 * cc1 * d3 + 6.0 * d2 * d2 + 15.0 * cc1sq * (2.0 * d2 + cc1sq))
        row = out[i]
        (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11],
         row[12], row[13], row[14], row[15], row[16], row[17], row[18], row[19], row[20], row[21], row[22],
         row[23], row[24], row[25], row[26], row[27], row[28], row[29], row[30], row[31], row[32], row[33],
         row[34], row[35], row[36]) = (
            isimp, mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1, bstar, cc4, t2cof, omgcof, eta, xmcof,
            delmo, d2, d3, d4, cc5, sinmao, t3cof, t4cof, t5cof, no_unkozai, ecco, inclo, aycof, xlcof, con41,
            x1mth2, x7thm1, jd, fr, xke, j2, radiusearthkm)
        row[37] = math.pow(xke / no_unkozai, x2o3)
        row[38] = sinio
        row[39] = cosio


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _fmod(x, y):
    """C's fmod for the angles here (|x/y| < 1e6): libm's exact fmod costs ~30 ns, this ~2 ns; the result
    differs by rounding only (1e-13 rad at most)."""
    return x - y * np.trunc(x / y)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _sgp4_near(c, tsince):
    (isimp, mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1, bstar, cc4, t2cof, omgcof, eta, xmcof,
     delmo, d2, d3, d4, cc5, sinmao, t3cof, t4cof, t5cof, no_unkozai, ecco, _inclo, aycof, xlcof, con41, x1mth2,
     x7thm1, _jd, _fr, _xke, j2, radiusearthkm, a0, sinio, cosio) = (
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15],
        c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30],
        c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39])
    twopi = 2.0 * math.pi
    t = tsince
    xmdf = mo + mdot * t
    argpdf = argpo + argpdot * t
    nodedf = nodeo + nodedot * t
    argpm = argpdf
    mm = xmdf
    t2 = t * t
    nodem = nodedf + nodecf * t2
    tempa = 1.0 - cc1 * t
    tempe = bstar * cc4 * t
    templ = t2cof * t2
    if isimp != 1.0:
        delomg = omgcof * t
        delmtemp = 1.0 + eta * math.cos(xmdf)
        delm = xmcof * (delmtemp * delmtemp * delmtemp - delmo)
        temp = delomg + delm
        mm = xmdf + temp
        argpm = argpdf - temp
        t3 = t2 * t
        t4 = t3 * t
        tempa = tempa - d2 * t2 - d3 * t3 - d4 * t4
        tempe = tempe + bstar * cc5 * (math.sin(mm) - sinmao)
        templ = templ + t3cof * t3 + t4 * (t4cof + t * t5cof)
    nm = no_unkozai
    em = ecco
    if nm <= 0.0:
        return 0.0, 0.0, 0.0, 2
    # am = (xke/nm)^(2/3) tempa^2 and nm = xke / am^1.5 = no_unkozai / tempa^3: no pow needed per step
    # (a0 is the per-satellite constant (xke/no_unkozai)^(2/3), kept in the _jd column's neighbour).
    am = a0 * tempa * tempa
    nm = no_unkozai / (tempa * tempa * tempa)
    em = em - tempe
    if em >= 1.0 or em < -0.001:
        return 0.0, 0.0, 0.0, 1
    if em < 1.0e-6:
        em = 1.0e-6
    mm = mm + no_unkozai * templ
    xlm = mm + argpm + nodem
    nodem = _fmod(nodem, twopi)
    argpm = _fmod(argpm, twopi)
    xlm = _fmod(xlm, twopi)
    mm = _fmod(xlm - argpm - nodem, twopi)
    sinim = sinio  # near-earth: the inclination is constant
    cosim = cosio
    ep = em
    argpp = argpm
    nodep = nodem
    mp = mm
    sinip = sinim
    cosip = cosim
    axnl = ep * math.cos(argpp)
    temp = 1.0 / (am * (1.0 - ep * ep))
    aynl = ep * math.sin(argpp) + temp * aycof
    xl = mp + argpp + nodep + temp * xlcof * axnl
    u = _fmod(xl - nodep, twopi)
    eo1 = u
    tem5 = 9999.9
    ktr = 1
    sineo1 = 0.0
    coseo1 = 0.0
    while abs(tem5) >= 1.0e-12 and ktr <= 10:
        sineo1 = math.sin(eo1)
        coseo1 = math.cos(eo1)
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5
        if abs(tem5) >= 0.95:
            tem5 = 0.95 if tem5 > 0.0 else -0.95
        eo1 = eo1 + tem5
        ktr += 1
    pl, mrt, s0, c0, d_su, d_node, d_inc = _short_period(am, axnl, aynl, sineo1, coseo1, j2, con41, x1mth2,
                                                         x7thm1, sinip, cosip)
    if pl < 0.0:
        return 0.0, 0.0, 0.0, 4
    su, cu = _small_sincos(d_su)
    sn, cn = _small_sincos(d_node)
    si, ci = _small_sincos(d_inc)
    x, y, z = _teme(mrt * radiusearthkm, s0, c0, math.sin(nodep), math.cos(nodep), sinip, cosip, su, cu, sn, cn,
                    si, ci)
    code = 6 if mrt < 1.0 else 0
    return x, y, z, code


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _short_period(am, axnl, aynl, sineo1, coseo1, j2, con41, x1mth2, x7thm1, sinip, cosip):
    """After Kepler's equation (shared by ``_sgp4_near`` and the lanes): the semi-latus rectum ``pl`` (negative:
    the reference's error 4), the radius in Earth radii ``mrt`` (below 1: error 6), the sine and cosine of the
    argument of latitude, and the short-period corrections to it, the node and the inclination (rad).

    The reference takes su = atan2(sinu, cosu) and then sines and cosines of su, xnode and xinc, each a small
    correction to an angle whose sine and cosine are known: angle addition (``_teme``) gives the same numbers."""
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    rl = am * (1.0 - ecose)
    betal = math.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * j2 * temp
    temp2 = temp1 * temp
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
    inv = 1.0 / math.sqrt(sinu * sinu + cosu * cosu)
    return (pl, mrt, sinu * inv, cosu * inv, -0.25 * temp2 * x7thm1 * sin2u, 1.5 * temp2 * cosip * sin2u,
            1.5 * temp2 * cosip * sinip * cos2u)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _teme(mr, s0, c0, sn0, cn0, sinip, cosip, su, cu, sn, cn, si, ci):
    """TEME km from the radius ``mr`` and the sines and cosines of the argument of latitude (s0, c0), the node
    (sn0, cn0) and the inclination (sinip, cosip), each turned by its short-period correction ((su, cu), (sn,
    cn), (si, ci))."""
    sinsu = s0 * cu + c0 * su
    cossu = c0 * cu - s0 * su
    snod = sn0 * cn + cn0 * sn
    cnod = cn0 * cn - sn0 * sn
    sini = sinip * ci + cosip * si
    cosi = cosip * ci - sinip * si
    xmx = -snod * cosi
    xmy = cnod * cosi
    ux = xmx * sinsu + cnod * cossu
    uy = xmy * sinsu + snod * cossu
    uz = sini * sinsu
    return mr * ux, mr * uy, mr * uz


# --- SIMD lanes ------------------------------------------------------------------------------------------------
# The same arithmetic as ``_sgp4_near``, written without branches so that LLVM vectorises the loop over a
# satellite's times (4 doubles per AVX2 instruction): sines and cosines by a polynomial instead of libm calls,
# Kepler's equation with a fixed three Newton steps, error checks as flags. A lane whose last Newton step was not
# below the reference's 1e-12 rad, or that any check flags, is recomputed by ``_sgp4_near`` itself, so error codes
# and the odd cases stay exactly the reference's. Satellites with eccentricity above LANE_MAX_ECCENTRICITY are
# propagated by ``_sgp4_near`` throughout (three steps would rarely converge for them).
LANE_MAX_ECCENTRICITY = 0.05
# LLVM runs a vector loop's remainder as scalar code, whose fused multiply-adds may differ from the vector body's
# by an ulp; the loop is padded to a multiple of LANE_BLOCK times so that every time runs in the vector body and a
# result does not depend on its position in the chunk (tested: chunks equal the whole).
LANE_BLOCK = 64
KEPLER_STEPS = 3

# sin and cos after Cephes (S. L. Moshier, public domain; the same polynomials as Cephes' sin.c): the argument
# reduced by pi/4 in three parts (exact to |x| ~ 1e9), minimax polynomials on [-pi/4, pi/4]. Error within 1 ulp
# of libm's over the arguments SGP4 meets (tested against math.sin and math.cos). Hand-written rather than
# Intel's SVML (a proprietary runtime numba can use): SVML would not remove the branches that keep the loop from
# vectorising, and these 20 lines behave the same on every CPU.
_TWOPI = 2.0 * math.pi
_INV_TWOPI = 1.0 / (2.0 * math.pi)
_DP1 = 7.85398125648498535156e-1
_DP2 = 3.77489470793079817668e-8
_DP3 = 2.69515142907905952645e-15
_FOUR_OVER_PI = 1.27323954473516268615
_S0, _S1, _S2, _S3, _S4, _S5 = (1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6,
                                -1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1)
_C0, _C1, _C2, _C3, _C4, _C5 = (-1.13585365213876817300e-11, 2.08757008419747316778e-9,
                                -2.75573141792967388112e-7, 2.48015872888517045348e-5,
                                -1.38888888888730564116e-3, 4.16666666666665929218e-2)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def sincos(x):
    """(sin x, cos x) without branches or calls, so that a loop over them vectorises."""
    ax = abs(x)
    octant = np.floor(ax * _FOUR_OVER_PI)
    octant = octant + (octant - 2.0 * np.floor(octant * 0.5))  # odd octants move to the next even one
    j = octant - 8.0 * np.floor(octant * 0.125)  # 0, 2, 4 or 6
    z = ((ax - octant * _DP1) - octant * _DP2) - octant * _DP3
    zz = z * z
    ps = z + z * zz * (((((_S0 * zz + _S1) * zz + _S2) * zz + _S3) * zz + _S4) * zz + _S5)
    pc = 1.0 - 0.5 * zz + zz * zz * (((((_C0 * zz + _C1) * zz + _C2) * zz + _C3) * zz + _C4) * zz + _C5)
    swap = (j == 2.0) | (j == 6.0)
    s = pc if swap else ps
    c = ps if swap else pc
    s = -s if j >= 4.0 else s
    c = -c if (j == 2.0) | (j == 4.0) else c
    s = -s if x < 0.0 else s
    return s, c


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _mod_twopi(x):
    """``_fmod(x, 2 pi)`` with a multiplication instead of a division (a quarter of the cost in a vector loop;
    the quotient's last bit may differ, which moves the result by 2 pi at the rounding boundary only where
    x / 2 pi is within 1e-16 of an integer: the angle is then the same modulo 2 pi, which is all SGP4 uses)."""
    return x - _TWOPI * np.trunc(x * _INV_TWOPI)


@njit(cache=True, fastmath=_FASTMATH, inline="always", error_model="numpy")
def _sgp4_lane(c, t, simple):
    """TEME km and a flag (True: recompute with ``_sgp4_near``) for one time; ``c`` a tuple of coefficients."""
    (_isimp, mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1, bstar, cc4, t2cof, omgcof, eta, xmcof,
     delmo, d2, d3, d4, cc5, sinmao, t3cof, t4cof, t5cof, no_unkozai, ecco, _inclo, aycof, xlcof, con41, x1mth2,
     x7thm1, _jd, _fr, _xke, j2, radiusearthkm, a0, sinio, cosio) = c
    xmdf = mo + mdot * t
    argpdf = argpo + argpdot * t
    nodedf = nodeo + nodedot * t
    t2 = t * t
    nodem = nodedf + nodecf * t2
    tempa = 1.0 - cc1 * t
    tempe = bstar * cc4 * t
    templ = t2cof * t2
    if simple:  # loop-invariant: the compiler makes one loop of each kind
        argpm = argpdf
        mm = xmdf
    else:
        delomg = omgcof * t
        _s, cos_xmdf = sincos(xmdf)
        delmtemp = 1.0 + eta * cos_xmdf
        delm = xmcof * (delmtemp * delmtemp * delmtemp - delmo)
        temp = delomg + delm
        mm = xmdf + temp
        argpm = argpdf - temp
        t3 = t2 * t
        t4 = t3 * t
        tempa = tempa - d2 * t2 - d3 * t3 - d4 * t4
        sin_mm, _c = sincos(mm)
        tempe = tempe + bstar * cc5 * (sin_mm - sinmao)
        templ = templ + t3cof * t3 + t4 * (t4cof + t * t5cof)
    am = a0 * tempa * tempa
    em = ecco - tempe
    flag = (em >= 1.0) | (em < -0.001)
    em = max(em, 1.0e-6)
    mm = mm + no_unkozai * templ
    xlm = mm + argpm + nodem
    nodem = _mod_twopi(nodem)
    argpm = _mod_twopi(argpm)
    xlm = _mod_twopi(xlm)
    mm = _mod_twopi(xlm - argpm - nodem)
    sin_argp, cos_argp = sincos(argpm)
    axnl = em * cos_argp
    temp = 1.0 / (am * (1.0 - em * em))
    aynl = em * sin_argp + temp * aycof
    xl = mm + argpm + nodem + temp * xlcof * axnl
    u = _mod_twopi(xl - nodem)
    eo1 = u
    tem5 = 1.0
    sineo1 = 0.0
    coseo1 = 1.0
    for _ in range(KEPLER_STEPS):
        sineo1, coseo1 = sincos(eo1)
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / (1.0 - coseo1 * axnl - sineo1 * aynl)
        tem5 = min(max(tem5, -0.95), 0.95)
        eo1 = eo1 + tem5
    flag = flag | (abs(tem5) >= 1.0e-12)  # not converged where the reference would have stopped
    pl, mrt, s0, c0, d_su, d_node, d_inc = _short_period(am, axnl, aynl, sineo1, coseo1, j2, con41, x1mth2,
                                                         x7thm1, sinio, cosio)
    flag = flag | (pl < 0.0) | (mrt < 1.0)
    flag = flag | (abs(d_su) > 0.05) | (abs(d_node) > 0.05) | (abs(d_inc) > 0.05)  # outside the series' range
    su, cu = _series_sincos(d_su)
    sn, cn = _series_sincos(d_node)
    si, ci = _series_sincos(d_inc)
    sn0, cn0 = sincos(nodem)
    x, y, z = _teme(mrt * radiusearthkm, s0, c0, sn0, cn0, sinio, cosio, su, cu, sn, cn, si, ci)
    r2 = x * x + y * y + z * z
    flag = flag | ~((r2 >= SANE_RADIUS_MIN_KM ** 2) & (r2 <= SANE_RADIUS_MAX_KM ** 2))  # also catches NaN
    return x, y, z, flag


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _lanes(c, tsince, cos_theta, sin_theta, xs, ys, zs, flags, simple):
    """One satellite at every time, rotated by (cos, sin) of the sidereal angle: the loop LLVM vectorises."""
    for k in range(tsince.shape[0]):
        x, y, z, flag = _sgp4_lane(c, tsince[k], simple)
        xs[k] = cos_theta[k] * x + sin_theta[k] * y
        ys[k] = -sin_theta[k] * x + cos_theta[k] * y
        zs[k] = z
        flags[k] = flag


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _near_call(c, tsince):
    """``_sgp4_near`` as a call rather than inlined: the fallback is rare, and inlining it into the parallel loop
    beside the lanes doubled the kernel's compile time."""
    return _sgp4_near(c, tsince)


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _satellite_itrs(c, jd, fr, cos_theta, sin_theta, out, status, lane_max_eccentricity):
    """One satellite (``c`` its coefficients) at every time into ``out[time, :]`` and ``status[time]``; ``jd``,
    ``fr`` and the rotation padded to a multiple of LANE_BLOCK (by repeating the last time), ``out`` not."""
    n_times = out.shape[0]
    n_lanes = jd.shape[0]
    tsince = np.empty(n_lanes)
    for k in range(n_lanes):
        tsince[k] = ((jd[k] - c[32]) + (fr[k] - c[33])) * 1440.0
    xs = np.empty(n_lanes)
    ys = np.empty(n_lanes)
    zs = np.empty(n_lanes)
    flags = np.ones(n_lanes, np.bool_)
    if c[24] > 0.0 and c[25] <= lane_max_eccentricity:
        ct = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14],
              c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28],
              c[29], c[30], c[31], c[32], c[33], c[34], c[35], c[36], c[37], c[38], c[39])
        _lanes(ct, tsince, cos_theta, sin_theta, xs, ys, zs, flags, c[0] == 1.0)
    for k in range(n_times):
        if not flags[k]:
            out[k, 0] = xs[k]
            out[k, 1] = ys[k]
            out[k, 2] = zs[k]
            status[k] = 0
            continue
        x, y, z, code = _near_call(c, tsince[k])
        if code == 0:
            r2 = x * x + y * y + z * z
            if not (SANE_RADIUS_MIN_KM ** 2 <= r2 <= SANE_RADIUS_MAX_KM ** 2):  # also catches NaN
                code = INSANE_POSITION
        if code != 0:
            out[k, 0] = np.nan
            out[k, 1] = np.nan
            out[k, 2] = np.nan
        else:
            out[k, 0] = cos_theta[k] * x + sin_theta[k] * y
            out[k, 1] = -sin_theta[k] * x + cos_theta[k] * y
            out[k, 2] = z
        status[k] = code


@njit(parallel=True, cache=True, fastmath=_FASTMATH, error_model="numpy")
def propagate_itrs(coeffs, jd, fr, cos_theta, sin_theta, out, status, lane_max_eccentricity=LANE_MAX_ECCENTRICITY):
    """Fill ``out[sat, time, :]`` with ITRS km and ``status`` with SGP4 error codes (0 = fine): SIMD lanes, with
    ``_sgp4_near`` for the flagged lanes and for satellites above ``lane_max_eccentricity``."""
    n = jd.shape[0]
    n_lanes = max(1, (n + LANE_BLOCK - 1) // LANE_BLOCK) * LANE_BLOCK
    pads = (np.empty(n_lanes), np.empty(n_lanes), np.empty(n_lanes), np.empty(n_lanes))
    for padded, given in zip(pads, (jd, fr, cos_theta, sin_theta)):
        for k in range(n_lanes):
            padded[k] = given[min(k, n - 1)] if n > 0 else 0.0
    jd_p, fr_p, cos_p, sin_p = pads
    for i in prange(coeffs.shape[0]):
        _satellite_itrs(coeffs[i], jd_p, fr_p, cos_p, sin_p, out[i], status[i], lane_max_eccentricity)


def propagate_itrs_scalar(coeffs, jd, fr, cos_theta, sin_theta, out, status):
    """``propagate_itrs`` with no SIMD lanes: every time through ``_sgp4_near`` with libm's sines, as the kernel
    was before lanes (the in-process baseline of ``benchmarks/propagation.py`` and the tests)."""
    propagate_itrs(coeffs, jd, fr, cos_theta, sin_theta, out, status, -1.0)


def propagate_teme(coeffs, jd, fr, out, status, lane_max_eccentricity=LANE_MAX_ECCENTRICITY):
    """TEME positions (km) for the Vallado verification and the frame tests: ``propagate_itrs`` with the identity
    rotation (cos 1, sin 0: exact), so both frames come from the same lanes."""
    propagate_itrs(coeffs, jd, fr, np.ones(len(jd)), np.zeros(len(jd)), out, status, lane_max_eccentricity)
